// Renderer tests import the app facade, so the renderer's type check reads main's modules;
// main's ambient module declarations come along. They declare modules and export nothing,
// so there is nothing to `import`: a reference is the only way in.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../../../src-main/types/proxy-from-env.d.ts" />
