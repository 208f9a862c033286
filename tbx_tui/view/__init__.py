"""Pure drawing logic: plots, ticks, smoothing, downsampling, waterfalls, image cells, numbers."""
