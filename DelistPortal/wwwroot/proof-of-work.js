// The browser's half of the portal's proof of work (Delisting/ProofOfWork.cs), in the manner of ALTCHA: find the
// number n, from 0 to maxNumber, for which the hex SHA-256 of salt + n is the challenge. The search runs in Web
// Workers (proof-of-work-worker.js), one share each, so the page never stalls; nothing is shown and nothing is stored.
// Resolves with the number, or null when this browser cannot do it (no Web Crypto, which needs HTTPS or localhost,
// or no workers): the portal then refuses the request with a message.
const workerUrl = new URL("proof-of-work-worker.js", import.meta.url);

export function solve({ algorithm, challenge, salt, maxNumber }) {
  if (algorithm !== "SHA-256" || !globalThis.crypto?.subtle || typeof Worker === "undefined") {
    return Promise.resolve(null);
  }
  // A phone has 4 to 8 cores; more workers than that gains little, as each waits on Web Crypto.
  const count = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4));
  return new Promise((resolve) => {
    const workers = [];
    let finished = 0;
    const done = (number) => {
      workers.forEach((worker) => worker.terminate());
      resolve(number);
    };
    const shareDone = () => {
      if (++finished === workers.length) {
        done(null);
      }
    };
    try {
      for (let start = 0; start < count; start++) {
        const worker = new Worker(workerUrl);
        workers.push(worker);
        worker.onmessage = ({ data }) => (data.number === null ? shareDone() : done(data.number));
        worker.onerror = shareDone;
        worker.postMessage({ challenge, salt, maxNumber, start, step: count });
      }
    } catch {
      // A worker could not be started (blocked by policy, for one).
      done(null);
    }
  });
}
