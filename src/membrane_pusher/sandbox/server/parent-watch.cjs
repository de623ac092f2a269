// Loaded before soketi (`node --require`) when the server is attached to the
// Python program that started it: ends this server as soon as that program is
// gone, however it ended, so no server is left running without an owner.
"use strict";

const parent = Number(process.env.MEMBRANE_PUSHER_PARENT_PID);

function parentIsGone() {
  if (process.ppid !== parent) {
    return true; // re-parented: the starter has exited
  }
  try {
    process.kill(parent, 0); // signal 0 only checks that the process exists
    return false;
  } catch {
    return true;
  }
}

if (parent > 0) {
  setInterval(() => {
    if (parentIsGone()) {
      process.exit(0);
    }
  }, 500).unref();
}
