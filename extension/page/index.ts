// Page-world capture (fetch/XHR hooks, shadow roots, file events): lands in the next commit.
export {};
