// graphql-ws publishes its WebSocket adapter through package.json `exports`, which this project's module
// resolution (node10) does not read; this points the type checker at the file the export names
// (as pages/ruru.d.ts does). Node, tsx and Jest resolve the module itself through `exports`.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
