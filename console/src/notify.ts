// New pending conversations get a short beep (WebAudio, no asset) and a count in the tab title.
let ctx: AudioContext | undefined;

// Browsers start an AudioContext suspended until the page has had a user gesture: create/resume it
// on the operator's first click or key, so the first pending conversation is heard, not silent.
if (typeof document !== 'undefined') {
  const unlock = () => { try { ctx ??= new AudioContext(); void ctx.resume(); } catch { /* no audio */ } };
  document.addEventListener('pointerdown', unlock, { once: true, capture: true });
  document.addEventListener('keydown', unlock, { once: true, capture: true });
}

export function beep() {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.08, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
  } catch { /* audio blocked until the operator interacts: the title still tells */ }
}

export function setTitleCount(n: number) {
  document.title = n > 0 ? `(${n}) Misy console` : 'Misy console';
}
