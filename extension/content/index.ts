// Isolated-world bridge to the background and the block dialog: lands in the next commit.
export {};
