"""Reading exports into the canonical model: profiles, manifest, readers, rejects."""
