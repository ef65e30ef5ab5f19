// Stands in for react-devtools-core in the bundled shell: Ink only loads it when DEV=true.
export default { initialize() {}, connectToDevTools() {} };
