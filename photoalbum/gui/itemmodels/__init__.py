"""Qt item models: the photo grid, the folder tree and the side panel's group lists."""
