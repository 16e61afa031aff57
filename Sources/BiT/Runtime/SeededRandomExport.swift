// The engine's random choices (initial weights) use the shared generator; its users, which
// seed the same generator for data order and augmentation, get it with the engine.
@_exported import Randomness
