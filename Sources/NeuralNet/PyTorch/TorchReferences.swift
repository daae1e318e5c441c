/// A storage named by a checkpoint's persistent id: `('storage', torch.FloatStorage, key,
/// location, numel)` in zip checkpoints, with a sixth field `view_metadata` in legacy ones.
struct TorchStorageReference {
    /// The key of the root storage (the name of its record in a zip, its place in a legacy file).
    let key: String
    let type: ElementType
    /// Elements in the root storage.
    let count: Int
    /// For a legacy storage view: the view's first element in the root storage and its length.
    let viewOffset: Int
    let viewCount: Int
}

/// A tensor rebuilt by `torch._utils._rebuild_tensor_v2`: a strided view of a storage.
struct TorchTensorReference {
    let storage: TorchStorageReference
    /// The first element, counted in the storage (or storage view).
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}
