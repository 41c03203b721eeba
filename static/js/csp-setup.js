// Loaded before Bootstrap Italia's bundle: its bundled video.js would otherwise inject
// <style> elements at load time, which our Content-Security-Policy (style-src 'self')
// refuses. The portal shows no videos, so the defaults are not needed.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
