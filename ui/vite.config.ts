import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The app is served by Tauri from ui/dist; no remote resources, no inline scripts.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // One small bundle: the webview loads it from disk, so chunking buys nothing.
    modulePreload: { polyfill: false },
    // KaTeX and highlight.js make the single bundle ~530 KB; it loads from disk, not the network.
    chunkSizeWarningLimit: 800,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    benchmark: { include: ["bench/**/*.bench.ts"] },
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
});
