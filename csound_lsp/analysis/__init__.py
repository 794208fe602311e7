"""Analysis layer: pure functions over the document model and the catalog."""
