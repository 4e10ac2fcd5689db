// Chooses the image to diffuse: a built-in one, or the reader's own from a file picker or a drop.
// An Observable view: `value` is the chosen image ({id, name, width, height, data} as RGBA bytes, id one
// of the built-in names or "yours") and an
// "input" event bubbles whenever it changes. The reader's image is shrunk to fit `maxSide` pixels.
import {fitWithin} from "../core/rasterImage.js";
import {SYNTHETIC_IMAGES, syntheticImage} from "../core/syntheticImages.js";

const LABELS = {mondrian: "Mondrian (geometric)", flower: "Flower (organic)"};
let forms = 0;

export function imageSource({value = "mondrian", size = 128, maxSide = 128, document = globalThis.document} = {}) {
  const id = `image-source-${++forms}`;
  const form = document.createElement("form");
  form.className = "image-source";
  form.addEventListener("submit", (event) => event.preventDefault());

  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.textContent = "Image";
  fieldset.append(legend);
  const radios = new Map();
  for (const name of [...SYNTHETIC_IMAGES, "yours"]) {
    const label = document.createElement("label");
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = id;
    radio.value = name;
    radio.checked = name === value;
    radio.disabled = name === "yours"; // until the reader gives one
    label.append(radio, ` ${LABELS[name] ?? "Your image"}`);
    fieldset.append(label);
    radios.set(name, radio);
  }

  const input = document.createElement("input");
  input.type = "file";
  input.accept = "image/*";
  // The whole label is the drop zone, and clicking it opens the file picker.
  const drop = document.createElement("label");
  drop.className = "image-drop";
  drop.append(`Drop an image here, or choose a file (shrunk to at most ${maxSide} px a side): `, input);
  const status = document.createElement("p");
  status.className = "image-source-status";
  status.setAttribute("role", "status");
  form.append(fieldset, drop, status);

  // Built-in images are drawn on first use and kept.
  const images = new Map();
  Object.defineProperty(form, "value", {
    get() {
      const name = [...radios.values()].find((radio) => radio.checked)?.value ?? "mondrian";
      if (!images.has(name)) images.set(name, {id: name, name: LABELS[name], ...syntheticImage(name, size)});
      return images.get(name);
    }
  });

  async function load(file) {
    if (!file) return;
    if (!file.type.startsWith("image/")) {
      status.textContent = `${file.name} is not an image (${file.type || "unknown type"}): the image is unchanged.`;
      return;
    }
    try {
      const bitmap = await createImageBitmap(file);
      const original = {width: bitmap.width, height: bitmap.height};
      const {width, height} = fitWithin(original.width, original.height, maxSide);
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext("2d", {willReadFrequently: true});
      context.imageSmoothingQuality = "high";
      context.drawImage(bitmap, 0, 0, width, height);
      bitmap.close();
      const {data} = context.getImageData(0, 0, width, height);
      images.set("yours", {id: "yours", name: file.name, width, height, data});
      const yours = radios.get("yours");
      yours.disabled = false;
      yours.checked = true;
      status.textContent = `${file.name}: ${width} × ${height} px` +
        (width === original.width && height === original.height ? "." : `, shrunk from ${original.width} × ${original.height}.`);
      form.dispatchEvent(new Event("input", {bubbles: true}));
    } catch (error) {
      status.textContent = `Could not read ${file.name} as an image (${error.message}): the image is unchanged.`;
    }
  }

  // The file input's own events would announce the old value: only load() announces the new one.
  for (const type of ["input", "change"]) input.addEventListener(type, (event) => event.stopPropagation());
  input.addEventListener("change", () => load(input.files[0]));
  // Events over the file input bubble up to the label; cancelling them stops the browser's own handling.
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("image-drop-over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("image-drop-over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("image-drop-over");
    load(event.dataTransfer?.files[0]);
  });
  return form;
}
