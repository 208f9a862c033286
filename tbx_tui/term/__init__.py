"""What the terminal can do (detection, sixel/kitty), safe text and text width."""
