// The public booking page: sends the picked time with the recipient's name and address, and
// shows the answer. Every text goes into the page as text, never as HTML.
(function () {
  'use strict';

  const main = document.getElementById('booking');
  const form = document.getElementById('book-form');
  if (!main || !form) {
    return;
  }
  const status = document.getElementById('status');
  const offerId = main.dataset.offer;
  const zone = main.dataset.zone;
  const token = decodeURIComponent(location.pathname.split('/').pop());

  function label(slot) {
    const day = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric'
    });
    const time = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
    });
    const start = new Date(slot.start);
    return day.format(start) + ', ' + time.format(start) + '\u2013' + time.format(new Date(slot.end));
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  // After a 409: the times that are left, in place of the old ones.
  function showSlots(slots) {
    const fieldset = document.getElementById('slots');
    fieldset.querySelectorAll('.slot').forEach((el) => el.remove());
    slots.forEach((slot, n) => {
      const div = document.createElement('div');
      div.className = 'slot';
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = 'slot';
      input.id = 'slot-' + n;
      input.value = slot.start;
      const text = document.createElement('label');
      text.htmlFor = input.id;
      text.textContent = label(slot);
      div.append(input, text);
      fieldset.append(div);
    });
    if (slots.length === 0) {
      form.hidden = true;
    }
  }

  function booked(answer, name, email) {
    const done = document.createElement('p');
    done.id = 'booked';
    done.className = 'ok';
    done.textContent = 'Booked: ' + label(answer) + '. ' + name + ', an invitation is on its way to ' + email + '.';
    form.replaceWith(done);
    say('');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const picked = form.querySelector('input[name="slot"]:checked');
    const name = form.elements.name.value.trim();
    const email = form.elements.email.value.trim();
    if (!picked) {
      say('Please pick a time.', 'error');
      return;
    }
    if (!name || !email) {
      say('Please give your name and email address.', 'error');
      return;
    }
    const button = document.getElementById('book');
    button.disabled = true;
    say('Booking\u2026');
    try {
      const response = await fetch('../api/availability/' + encodeURIComponent(offerId) + '/book', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ token: token, slot: picked.value, name: name, email: email })
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        booked(answer, name, email);
        return;
      }
      if (response.status === 409 && Array.isArray(answer.slots)) {
        showSlots(answer.slots);
      }
      say(answer.message || 'The time could not be booked. Please try again.', 'error');
    } catch (e) {
      say('The server could not be reached. Please try again.', 'error');
    } finally {
      button.disabled = false;
    }
  });
})();
