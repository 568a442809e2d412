"""Language stages: policy text → grammar → parser → transform → syntax tree; fmt; workspace."""
