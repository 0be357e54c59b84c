/** Shadow-DOM styles: isolated from the host page both ways; `part`s let a blog restyle the frame and canvas. */
export const WIDGET_STYLE = `
:host { display: block; max-width: 22rem; font: 15px/1.4 system-ui, sans-serif; color: #1b1f24; }
figure { margin: 0; border: 1px solid #ccd3dc; border-radius: 8px; padding: 0.75rem; background: #fff; display: grid; gap: 0.5rem; }
.stage { display: grid; grid-auto-flow: column; gap: 0.25rem; }
canvas { width: 100%; aspect-ratio: 1; background: #111; border-radius: 6px; }
canvas.photo { aspect-ratio: auto; height: auto; }
[hidden] { display: none !important; }
.controls { display: grid; gap: 0.5rem; }
.row { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
label { font-weight: 600; }
input[type=range] { flex: 1; min-width: 8rem; min-height: 1.75rem; accent-color: #1d4e89; }
.slider { display: grid; grid-template-columns: minmax(4rem, max-content) minmax(0, 1fr) 3rem; gap: 0.5rem; align-items: center; }
.slider input[type=range] { min-width: 0; }
output { font-variant-numeric: tabular-nums; text-align: right; }
button { font: inherit; min-height: 2.25rem; padding: 0.25rem 0.75rem; border-radius: 6px; border: 1px solid #1d4e89; background: #1d4e89; color: #fff; cursor: pointer; }
:focus-visible { outline: 3px solid #f4a261; outline-offset: 2px; }
figcaption { font-size: 0.85rem; color: #4a5360; display: grid; gap: 0.25rem; }
.error { color: #9b1c1c; font-weight: 600; }
progress { width: 100%; }
a { color: #1d4e89; font-weight: 600; justify-self: start; }
`;
