import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API to a local `assay serve` (default port 8080).
const api = process.env.ASSAY_DEV_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { "/api": api, "/v1": api } },
});
