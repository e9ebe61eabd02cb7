"""Qt item models: the photo grid and the folder tree."""
