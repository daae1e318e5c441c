// API keys in the browser: when the server requires a key, a dialog asks for one and signs in
// with it (POST /v1/session keeps it in an HTTP-only cookie, so every request and thumbnail
// carries it); a 401 later (a revoked key) asks again. The key never reaches JavaScript storage.

import { api } from './api.js';
import { $ } from './dom.js';

let asking = null;

/** Resolves once the server lets us read: at once when it is open or we hold a key. */
export async function ensureSignedIn() {
  let health;
  try {
    health = await api.health();
  } catch {
    return;  // the screens show the server's error themselves
  }
  showStatus(health);
  if (health.auth === 'keys' && !health.scope) await askForKey();
}

/** Shows the key dialog until a key is accepted; one dialog however many requests failed. */
function askForKey() {
  if (asking) return asking;
  asking = new Promise((resolve) => {
    const dialog = $('#key-dialog');
    const form = $('#key-form');
    const input = $('#key-input');
    $('#key-error').textContent = '';
    const submit = async (event) => {
      event.preventDefault();
      $('#key-submit').disabled = true;
      try {
        await api.signIn(input.value.trim());
        form.removeEventListener('submit', submit);
        input.value = '';
        dialog.close();
        showStatus(await api.health());
        asking = null;
        resolve();
      } catch (error) {
        $('#key-error').textContent = error.message;
        input.select();
      } finally {
        $('#key-submit').disabled = false;
      }
    };
    form.addEventListener('submit', submit);
    dialog.showModal();
    input.focus();
  });
  return asking;
}

function showStatus(health) {
  const signedIn = health && health.auth === 'keys' && health.scope;
  $('#auth-status').hidden = !signedIn;
  $('#sign-out').hidden = !signedIn;
  if (signedIn) $('#auth-status').textContent = `key: ${health.scope}`;
}

export function initAuth() {
  $('#key-dialog').addEventListener('cancel', (event) => event.preventDefault());  // nothing works without a key
  // A key revoked while the page is open: ask again, then start over with the new one. A 401
  // of a request sent before we signed in is not a reason to ask: the server says whether our
  // cookie still holds a key.
  window.addEventListener('loupe:unauthorized', async () => {
    if (asking) return;
    const health = await api.health().catch(() => null);
    if (asking || !health || health.auth !== 'keys' || health.scope) return;
    askForKey().then(() => location.reload());
  });
  $('#sign-out').addEventListener('click', async () => {
    await api.signOut().catch(() => {});
    location.reload();
  });
}
