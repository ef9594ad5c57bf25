/* The check of gdlab's questions (gdlab/quiz.py): runs as the quiz output's
 * own inline script, on the website, in JupyterLab and in Colab.
 *
 * Each question is a native form; its answer and explanations are in the
 * JSON script beside it. Check says right or not yet, with the explanation
 * of the option chosen (or a too high / too low hint for a number), in a
 * status line that screen readers announce. The reader may try again as
 * often as they like. Questions answered right are remembered in this
 * browser only (localStorage), where storage is allowed.
 */
(function () {
  var STORE = 'gdlab-quiz/';

  function remembered(chapter) {
    try {
      return JSON.parse(window.localStorage.getItem(STORE + chapter) || '[]');
    } catch (err) {
      return [];  // storage blocked (a sandboxed frame) or unreadable
    }
  }

  function remember(chapter, id) {
    var done = remembered(chapter);
    if (done.indexOf(id) < 0) done.push(id);
    try {
      window.localStorage.setItem(STORE + chapter, JSON.stringify(done));
    } catch (err) { /* not remembered: the check still works */ }
    return done;
  }

  function number(text) {
    var t = text.trim().replace(/\u2212/g, '-').replace(/\s+/g, '');
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
    return Number(t);
  }

  // The script's own words; a quiz in another language carries them in its
  // data-words attribute (gdlab/quiz.py, WORDS).
  var ENGLISH = {
    choose: 'Choose an answer, then press Check.',
    type: 'Type a number, such as 0.25 or 2.5e-3, then press Check.',
    right: 'Right.',
    wrong: 'Not yet.',
    again: 'Try again.',
    done: '\u2713 Answered right ({done} of {all} in this chapter, in this browser).'
  };

  function wordsOf(root) {
    try {
      return JSON.parse(root.dataset.words || 'null') || ENGLISH;
    } catch (err) {
      return ENGLISH;
    }
  }

  function start(root) {
    if (root.dataset.gdlabReady) return;
    root.dataset.gdlabReady = '1';
    var words = wordsOf(root);
    var chapter = root.dataset.chapter;
    var all = (root.dataset.all || '').split(' ').filter(Boolean);

    function showDone(form) {
      var done = remembered(chapter).filter(function (id) { return all.indexOf(id) >= 0; });
      if (done.indexOf(form.dataset.qid) < 0) return;
      var line = form.querySelector('.gdlab-q-done');
      if (!line) {
        line = document.createElement('p');
        line.className = 'gdlab-q-done';
        form.querySelector('button').insertAdjacentElement('beforebegin', line);
      }
      line.textContent = words.done.replace('{done}', done.length)
        .replace('{all}', all.length);
    }

    root.querySelectorAll('form.gdlab-q').forEach(function (form) {
      var data = JSON.parse(form.querySelector('.gdlab-q-data').textContent);
      var feedback = form.querySelector('.gdlab-q-feedback');
      var button = form.querySelector('button');

      function say(state, html) {
        // Emptied first, filled a moment later: the same words twice in a
        // row are still announced.
        feedback.textContent = '';
        feedback.removeAttribute('data-state');
        window.setTimeout(function () {
          if (state) feedback.setAttribute('data-state', state);
          feedback.innerHTML = html;
        }, 50);
      }

      function check() {
        var right, html;
        if (data.kind === 'choice') {
          var chosen = form.querySelector('input[type=radio]:checked');
          if (!chosen) return say('', words.choose);
          right = +chosen.value === data.answer;
          html = data.explanations[+chosen.value];
        } else {
          var x = number(form.querySelector('input[type=text]').value);
          if (isNaN(x)) return say('', words.type);
          right = Math.abs(x - data.value) <= data.error;
          html = right ? data.right : (x > data.value ? data.high : data.low);
        }
        if (right) {
          say('right', '<strong>' + words.right + '</strong> ' + html);
          remember(chapter, form.dataset.qid);
          root.querySelectorAll('form.gdlab-q').forEach(showDone);
        } else {
          say('wrong', '<strong>' + words.wrong + '</strong> ' + html + ' ' + words.again);
        }
      }

      // The Check button is a plain button, and Enter in a field is handled
      // below: a sandboxed output frame may forbid submitting forms.
      form.gdlabCheck = check;
      button.addEventListener('click', check);
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        check();
      });
      button.disabled = false;
      showDone(form);
    });
    var note = root.querySelector('.gdlab-q-note');
    if (note) note.hidden = true;
  }

  // Keys pressed inside a question are the reader's answer, not a shortcut
  // of the page around it: JupyterLab's notebook, for one, takes Enter (and
  // the arrows) for itself. Stopped here, at the window's capture phase, the
  // keydown never reaches such handlers; the browser's own default actions
  // (typing, moving between radio buttons, pressing the button) still
  // happen, and Enter in a field checks the answer.
  if (!window.gdlabQuizKeys) {
    window.gdlabQuizKeys = true;
    window.addEventListener('keydown', function (event) {
      var t = event.target;
      var form = t && t.closest ? t.closest('.gdlab-quiz form.gdlab-q') : null;
      if (!form) return;
      event.stopPropagation();
      if (event.key === 'Enter' && t.tagName === 'INPUT' && form.gdlabCheck) {
        event.preventDefault();
        form.gdlabCheck();
      }
    }, true);
  }

  var me = document.currentScript;
  var own = me && me.closest ? me.closest('.gdlab-quiz') : null;
  if (own) {
    start(own);
  } else {
    document.querySelectorAll('.gdlab-quiz').forEach(start);
  }
})();
