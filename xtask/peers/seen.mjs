// The steps a peer script saw behave as Okta would: `expect` records one or stops the script
// with {"failed": ..., "seen": [...]}; `done` prints {"seen": [...]}.
const seen = [];

export function expect(step, ok, detail = '') {
  if (!ok) {
    console.log(JSON.stringify({ failed: step, detail: String(detail).slice(0, 400), seen }));
    process.exit(1);
  }
  seen.push(step);
}

export function done() {
  console.log(JSON.stringify({ seen }));
}
