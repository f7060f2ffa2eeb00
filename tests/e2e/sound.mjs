// Listening to what the app plays: the PulseAudio null sink's monitor
// (set up by run.sh) recorded with parec.

import { spawn } from 'node:child_process';

const MONITOR = process.env.REFRAIN_E2E_MONITOR;

/**
 * Records `ms` of what the app is playing (the null sink's monitor) and
 * returns its loudness (RMS of the samples, 0 to 1).
 */
export function recordLoudness(ms) {
  return new Promise((resolve, reject) => {
    if (!MONITOR) {
      reject(new Error('REFRAIN_E2E_MONITOR must name the sound monitor (run tests/e2e/run.sh)'));
      return;
    }
    const rec = spawn('parec', ['-d', MONITOR, '--raw', '--format=float32le', '--rate=48000', '--channels=1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks = [];
    let err = '';
    rec.stdout.on('data', (c) => chunks.push(c));
    rec.stderr.on('data', (c) => (err += c));
    rec.on('error', reject);
    rec.on('close', () => {
      const buf = Buffer.concat(chunks);
      const n = Math.floor(buf.length / 4);
      if (n < 48000 * (ms / 1000) * 0.5) {
        reject(new Error(`recorded only ${n} samples in ${ms} ms: ${err}`));
        return;
      }
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const v = buf.readFloatLE(i * 4);
        sum += v * v;
      }
      resolve(Math.sqrt(sum / n));
    });
    setTimeout(() => rec.kill('SIGTERM'), ms);
  });
}
