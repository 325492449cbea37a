// The dashboard's build: `npm run build` runs it through scripts/build-steps/40-site.mjs into
// site/dist, which `hangar server` serves. For front-end work, `npx vite --config site/vite.config.ts`
// serves the app with hot reload and forwards the API to a running server (HANGAR_URL, default
// http://127.0.0.1:3000).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.HANGAR_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 600,
    // Timing warnings depend on the machine's load, not on the code.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    // The SDK lives outside the site folder.
    fs: { allow: ['..'] },
    proxy: {
      '/api': { target: api, ws: true, changeOrigin: false },
      '/bin': api,
    },
  },
});
