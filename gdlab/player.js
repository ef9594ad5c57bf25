/* The player of gdlab's kernel-free twins (gdlab/twin.py).
 *
 * Inside a notebook's output it runs as the twin's own inline script and
 * starts that twin; loaded once by a page (the book's website serves it as
 * _static/gdlab-player.js) it starts every twin on the page. It maps the
 * controls' positions to a frame (row-major, the order of gdlab's
 * Frames.index) and swaps the moving layer. The controls are disabled until
 * it runs, beside a note that says so: a front end that drops scripts shows
 * the note, never a slider that moves and changes nothing.
 *
 * The frames may be data URIs (in a notebook) or files (on the website);
 * files are fetched at the reader's first touch of the figure and kept.
 */
(function () {
  function start(root) {
    if (root.dataset.gdlabReady) return;
    root.dataset.gdlabReady = '1';
    var data = JSON.parse(root.querySelector('.gdlab-data').textContent);
    var img = root.querySelector('.gdlab-frame');
    var inputs = Array.prototype.slice.call(root.querySelectorAll('[data-k]'));
    var kept = [];
    function warm() {
      if (kept.length) return;
      data.frames.forEach(function (src) {
        var image = new Image();
        image.decoding = 'async';
        image.src = src;
        kept.push(image);
      });
    }
    function show() {
      var index = 0;
      inputs.forEach(function (el) {
        var k = +el.dataset.k, i = +el.value;
        index = index * data.shape[k] + i;
        var text = data.labels[k][i];
        var out = el.parentElement.querySelector('output');
        if (out) out.textContent = text;
        if (el.type === 'range') el.setAttribute('aria-valuetext', text);
      });
      warm();
      img.src = data.frames[index];
    }
    ['pointerdown', 'touchstart', 'focusin', 'mouseenter'].forEach(function (type) {
      root.addEventListener(type, warm, {once: true, passive: true});
    });
    inputs.forEach(function (el) {
      el.addEventListener('input', show);
      el.addEventListener('change', show);
      el.disabled = false;
    });
    var note = root.querySelector('.gdlab-note');
    if (note) note.hidden = true;
  }
  function startAll() {
    document.querySelectorAll('.gdlab-twin').forEach(function (root) {
      try {
        start(root);
      } catch (err) {
        // One broken figure must not stop the others on the page.
        console.error('gdlab: an interactive figure could not start:', err);
      }
    });
  }
  var me = document.currentScript;
  var own = me && me.closest ? me.closest('.gdlab-twin') : null;
  if (own) {
    start(own);
  } else if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', startAll);
  } else {
    startAll();
  }
})();
