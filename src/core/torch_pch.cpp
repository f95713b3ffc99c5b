// Anchor for the precompiled <torch/torch.h> that the engine's torch targets reuse.
