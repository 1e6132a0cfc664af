// One share of the proof-of-work search (proof-of-work.js): the numbers start, start + step, ... up to maxNumber.
const encoder = new TextEncoder();

self.onmessage = async ({ data: { challenge, salt, maxNumber, start, step } }) => {
  const target = new Uint8Array(challenge.match(/../g).map((pair) => parseInt(pair, 16)));
  for (let number = start; number <= maxNumber; number += step) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(salt + number)));
    if (equal(digest, target)) {
      self.postMessage({ number });
      return;
    }
  }
  self.postMessage({ number: null });
};

function equal(a, b) {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return a.length === b.length;
}
