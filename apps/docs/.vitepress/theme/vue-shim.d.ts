// Lets TypeScript (tsc, not vue-tsc) import single-file components; their templates are checked
// by the build and the browser tests.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';

  const component: DefineComponent;
  export default component;
}
