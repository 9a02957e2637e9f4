-- Word takes each figure as the PNG its step draws beside the SVG (results/figures/*.png):
-- for an SVG, pandoc's Word writer would call rsvg-convert, a program outside the lock, to make
-- a raster copy. Every local SVG is swapped; a missing PNG fails the build (--fail-if-warnings).
function Image(image)
  local src = image.src
  if src:match('%.svg$') and not src:match('^%a[%w+.-]*:') then
    image.src = src:gsub('%.svg$', '.png')
  end
  return image
end
