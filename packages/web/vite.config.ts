import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API server (Fastify) listens on :3000 in development. The proxy keeps the browser's Host header (no
// changeOrigin), so the server's same-origin check on cookie-authenticated writes sees Origin matching Host.
const apiTarget = 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget },
      '/healthz': { target: apiTarget },
      '/readyz': { target: apiTarget },
    },
  },
});
