// An image taken through the forward chain, or back along it by replaying the same noise, one frame
// per step: a canvas, a play/pause button, a step scrubber, the current frame's ᾱ_t and SNR, and a
// chart of how the signal and noise shares of the variance trade places over t. An Observable view:
// `value` is the scrubber's position (0 … steps), and an "input" event bubbles whenever it moves.
import * as Plot from "@observablehq/plot";
import {alphaBarAtStep, ImageChain, imageSchedule, rmsDistance, snrAtStep} from "../core/imageNoise.js";
import {toRgba, toSignal} from "../core/rasterImage.js";

/** Three significant digits, in exponent form when that is shorter to read. */
export function formatNumber(value) {
  if (value === Infinity) return "∞";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e4 ? value.toPrecision(3) : value.toExponential(2);
}

let instances = 0;

export function imageDiffusion(image, {
  steps = 30,
  betaScale = 1,
  direction = "forward",
  seed = 0,
  /** The scrubber's first position, 0 … steps (cut to steps). */
  frame = 0,
  framesPerSecond = 12,
  document = globalThis.document
} = {}) {
  const root = document.createElement("div");
  root.className = "image-diffusion";
  let schedule, chain;
  try {
    if (direction !== "forward" && direction !== "reverse") {
      throw new RangeError(`direction must be forward or reverse, got ${direction}`);
    }
    schedule = imageSchedule(steps, betaScale);
    chain = new ImageChain(toSignal(image), schedule, seed);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const message = document.createElement("p");
    message.className = "warning";
    message.textContent = `Nothing to show: ${error.message}.`;
    root.append(message);
    root.value = 0;
    return root;
  }
  const N = schedule.steps;
  const id = `image-diffusion-${++instances}`;

  const controls = document.createElement("div");
  controls.className = "image-diffusion-controls";
  const play = document.createElement("button");
  play.type = "button";
  const label = document.createElement("label");
  label.htmlFor = `${id}-step`;
  label.textContent = "Step";
  const scrubber = document.createElement("input");
  scrubber.type = "range";
  scrubber.id = `${id}-step`;
  scrubber.min = 0;
  scrubber.max = N;
  scrubber.step = 1;
  scrubber.value = Math.max(0, Math.min(N, Math.round(frame)));
  const output = document.createElement("output");
  output.htmlFor = scrubber.id;
  controls.append(play, label, scrubber, output);

  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.setAttribute("role", "img");
  const context = canvas.getContext("2d");
  const pixels = new Uint8ClampedArray(4 * image.width * image.height);

  const readout = document.createElement("dl");
  readout.className = "image-diffusion-readout";
  const fields = {};
  for (const [key, term] of [
    ["t", "t"],
    ["beta", "βₜ"],
    ["alphaBar", "ᾱₜ (signal share)"],
    ["snr", "SNRₜ = ᾱₜ / (1 − ᾱₜ)"],
    ["rms", "RMS distance to x₀"]
  ]) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.className = `image-diffusion-${key}`;
    readout.append(dt, dd);
    fields[key] = dd;
  }
  const chart = document.createElement("div");
  const side = document.createElement("div");
  side.append(readout, chart);
  const body = document.createElement("div");
  body.className = "image-diffusion-body";
  body.append(canvas, side);
  root.append(controls, body);

  // Forward shows x_0 → x_N at scrubber positions 0 → N; reverse starts from x_N and ends at x_0.
  const timeAt = (position) => (direction === "forward" ? position : N - position);
  const shares = Array.from({length: N + 1}, (_, t) => alphaBarAtStep(schedule, t));

  function show(position) {
    const t = timeAt(position);
    const x = direction === "forward" ? chain.forward(t) : chain.reverse(t);
    context.putImageData(new ImageData(toRgba(x, image.width, image.height, pixels).data, image.width, image.height), 0, 0);
    const alphaBar = alphaBarAtStep(schedule, t);
    canvas.setAttribute("aria-label", `${image.name ?? "Image"} at t = ${t} of ${N}, ᾱₜ = ${formatNumber(alphaBar)}`);
    output.value = `${position} / ${N}`;
    fields.t.textContent = `${t} of ${N}`;
    fields.beta.textContent = t === 0 ? "—" : formatNumber(schedule.betas[t - 1]);
    fields.alphaBar.textContent = formatNumber(alphaBar);
    fields.snr.textContent = formatNumber(snrAtStep(schedule, t));
    fields.rms.textContent = formatNumber(rmsDistance(x, chain.x0));
    chart.replaceChildren(Plot.plot({
      width: 320,
      height: 170,
      marginLeft: 40,
      x: {label: "t", domain: [0, N]},
      y: {label: "share of variance", domain: [0, 1], grid: true},
      color: {domain: ["signal ᾱₜ", "noise 1 − ᾱₜ"], range: ["var(--theme-foreground-focus)", "currentColor"], legend: true},
      marks: [
        Plot.lineY(shares, {x: (_, t) => t, y: (a) => a, stroke: () => "signal ᾱₜ", strokeWidth: 2}),
        Plot.lineY(shares, {x: (_, t) => t, y: (a) => 1 - a, stroke: () => "noise 1 − ᾱₜ", strokeDasharray: "4 3"}),
        Plot.ruleX([t], {strokeOpacity: 0.6}),
        Plot.dot([alphaBar], {x: () => t, y: (a) => a, fill: "var(--theme-foreground-focus)", r: 4})
      ]
    }));
  }

  let timer;
  function setPlaying(playing) {
    clearInterval(timer);
    timer = undefined;
    if (playing) {
      // Pressing play at the end starts over.
      if (+scrubber.value === N) scrubber.value = 0;
      show(+scrubber.value);
      timer = setInterval(() => {
        // Stop when the page has dropped this element (new settings make a new one).
        if (!root.isConnected || +scrubber.value >= N) return setPlaying(false);
        scrubber.value = +scrubber.value + 1;
        show(+scrubber.value);
        // The scrubber's own events announce a drag; a step of play is announced here.
        root.dispatchEvent(new (document.defaultView ?? globalThis).Event("input", {bubbles: true}));
      }, 1000 / framesPerSecond);
    }
    play.textContent = playing ? "❚❚ Pause" : "▶ Play";
    play.setAttribute("aria-pressed", String(playing));
  }
  play.addEventListener("click", () => setPlaying(timer === undefined));
  scrubber.addEventListener("input", () => {
    setPlaying(false);
    show(+scrubber.value);
  });
  root.stop = () => setPlaying(false);
  Object.defineProperty(root, "value", {get: () => +scrubber.value});

  setPlaying(false);
  show(+scrubber.value);
  return root;
}
