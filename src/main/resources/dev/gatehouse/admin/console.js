// The console's one script. Every page works without it; it only asks before destroying and
// saves the round trip of reordering rules.
(() => {
  'use strict';

  // Forms that destroy something ask first.
  document.addEventListener('submit', (event) => {
    const message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // The rules editor: rules move up, down or by drag and drop at once; their fields are
  // renamed rules[i].* after their new place, as the server would have rendered them.
  const RULE = /^rules\[\d+\]/;
  const ATTRIBUTES = ['name', 'id', 'for', 'aria-describedby'];

  for (const list of document.querySelectorAll('ol.rules')) {
    const renumber = () => {
      const items = list.querySelectorAll(':scope > li');
      items.forEach((item, i) => {
        for (const element of item.querySelectorAll('[name], [id], [for], [aria-describedby]')) {
          for (const attribute of ATTRIBUTES) {
            const value = element.getAttribute(attribute);
            if (value && RULE.test(value)) {
              element.setAttribute(attribute, value.replace(RULE, 'rules[' + i + ']'));
            }
          }
        }
        for (const button of item.querySelectorAll('button[name=op]')) {
          const verb = button.value.split(':')[0];
          button.value = verb + ':' + i;
          button.disabled = (verb === 'up' && i === 0) || (verb === 'down' && i === items.length - 1);
          const label = button.getAttribute('aria-label');
          if (label) {
            button.setAttribute('aria-label', label.replace(/\d+/, String(i + 1)));
          }
        }
        const number = item.querySelector('.rule-number');
        if (number) {
          number.textContent = 'Rule ' + (i + 1);
        }
      });
    };

    list.addEventListener('click', (event) => {
      const button = event.target.closest('button[name=op]');
      if (!button) {
        return;
      }
      const verb = button.value.split(':')[0];
      const item = button.closest('li');
      if (verb === 'up' && item.previousElementSibling) {
        item.previousElementSibling.before(item);
      } else if (verb === 'down' && item.nextElementSibling) {
        item.nextElementSibling.after(item);
      } else {
        return; // Remove posts: the server renders the editor without the rule.
      }
      event.preventDefault();
      renumber();
      const other = item.querySelector('button[value^="' + (verb === 'up' ? 'down' : 'up') + ':"]');
      (button.disabled ? other : button).focus();
    });

    // Drag by the grip only, so that text in the fields can still be selected.
    for (const head of list.querySelectorAll(':scope > li .rule-head')) {
      const grip = document.createElement('span');
      grip.className = 'grip';
      grip.title = 'Drag to reorder';
      grip.setAttribute('aria-hidden', 'true');
      grip.textContent = '⠿';
      head.prepend(grip);
    }
    let dragged = null;
    list.addEventListener('pointerdown', (event) => {
      if (event.target.closest('.grip')) {
        event.target.closest('li').draggable = true;
      }
    });
    list.addEventListener('pointerup', (event) => {
      const item = event.target.closest('li');
      if (item && !dragged) {
        item.draggable = false;
      }
    });
    list.addEventListener('dragstart', (event) => {
      dragged = event.target.closest('li');
      dragged.classList.add('dragging');
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', '');
    });
    list.addEventListener('dragover', (event) => {
      const over = dragged && event.target.closest('ol.rules > li');
      if (!over) {
        return;
      }
      event.preventDefault();
      if (over !== dragged) {
        const box = over.getBoundingClientRect();
        (event.clientY < box.top + box.height / 2 ? over.before : over.after).call(over, dragged);
      }
    });
    list.addEventListener('drop', (event) => event.preventDefault());
    list.addEventListener('dragend', () => {
      if (dragged) {
        dragged.classList.remove('dragging');
        dragged.draggable = false;
        dragged = null;
        renumber();
      }
    });
  }
})();
