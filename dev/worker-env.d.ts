// For the Node-side scripts (dev, bench, Node tests), which compile some Worker modules but not the
// Worker itself: src/worker-configuration.d.ts also imports the Worker's entry module, so here its
// bindings are any string-valued names (the Worker's own compile sees the generated names).
declare namespace Cloudflare {
  interface Env {
    [name: string]: string | undefined;
  }
}
