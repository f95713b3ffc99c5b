// How the program's heap treats the large buffers tensor work allocates and frees many times a second.
#pragma once

namespace kinema {

// Keeps freed memory in the process for the next allocation instead of handing it back to the system.
// glibc serves every allocation over 32 MiB (a batch of 128x128 activations is 77 MiB) with a fresh mmap,
// so each page of each buffer faults in again on first touch: a third of the trainer's time went to page
// faults, and the latent cache encoded 2.3 world clips/s without them against 0.3 with them. Call once at
// start-up, before any thread starts. Peak memory is unchanged; the resident size stays at its peak.
void keep_freed_memory_for_reuse();

}  // namespace kinema
