// Ruru publishes its entry points through package.json `exports`, which this project's module
// resolution (node10) does not read; this points the type checker at the file the export names.
declare module 'ruru/server' {
  export * from 'ruru/dist/server';
}
