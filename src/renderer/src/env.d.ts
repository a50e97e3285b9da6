/// <reference types="vite/client" />
// Vite's client types: `import.meta.hot` (used to drop the store's IPC subscriptions on hot reload) and CSS imports.
