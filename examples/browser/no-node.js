// The wasm backend's ESM build imports Node built-ins it only uses under Node; in a page
// they resolve to this empty module.
export default {};
