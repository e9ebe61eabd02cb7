"""Item delegates that paint grid cells."""
