// Heap settings for tensor work (glibc's mallopt).
#include "core/memory.h"

#include <malloc.h>

namespace kinema {

void keep_freed_memory_for_reuse() {
  mallopt(M_MMAP_MAX, 0);                   // big blocks from the heap, which keeps them when freed
  mallopt(M_TRIM_THRESHOLD, 1 << 30);       // and does not shrink until a whole GiB lies free at its top
  mallopt(M_TOP_PAD, 64 << 20);             // growing 64 MiB at a time
}

}  // namespace kinema
