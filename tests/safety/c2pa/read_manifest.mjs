// Reads one file with c2pa-rs (the reference C2PA implementation, WebAssembly build) and prints one JSON object:
// {"ok": true, "state": "Valid"|"Trusted"|"Invalid", "active": label, "results": {...}, "manifest": {...}}
// or {"ok": false, "error": "C2pa(JumbfNotFound)"} when c2pa-rs refuses the file.
// usage: node read_manifest.mjs FILE [MEDIA_TYPE]
import { readFileSync } from 'node:fs';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';

const wasm = new URL('./node_modules/@contentauth/c2pa-wasm/pkg/c2pa_bg.wasm', import.meta.url);
initSync({ module: readFileSync(wasm) });

const [file, mediaType = 'video/mp4'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node read_manifest.mjs FILE [MEDIA_TYPE]');
  process.exit(2);
}
try {
  const reader = await WasmReader.fromBytes(mediaType, new Uint8Array(readFileSync(file)));
  const store = JSON.parse(reader.json());
  const active = reader.activeLabel();
  console.log(JSON.stringify({
    ok: true,
    state: store.validation_state,
    active,
    results: store.validation_results ?? null,
    status: store.validation_status ?? [],
    manifest: active ? store.manifests[active] : null,
  }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e?.message ?? e) }));
}
