import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `npm run dev` and `npm run preview` forward /graphql to the gateway `npm start` runs (GATEWAY_URL
 * overrides it), so the console calls it from its own origin and the gateway needs no CORS_ORIGINS.
 * A console served from elsewhere names the gateway's URL on its sign-in page instead, and that
 * gateway lists the console's origin in CORS_ORIGINS.
 */
// 127.0.0.1, not localhost: Node may resolve localhost to ::1, where the demo does not listen.
const gateway = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:4000';
const proxy = { '/graphql': { target: gateway, changeOrigin: true } };

export default defineConfig({
  plugins: [react()],
  // The client kit lives at the root of the repository (client/), outside this package.
  server: { proxy, fs: { allow: ['../..'] } },
  preview: { proxy },
  build: { outDir: 'dist', sourcemap: true },
});
