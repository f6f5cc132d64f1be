{
  "targets": [
    {
      "target_name": "udp_batch",
      "sources": ["udp_batch.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "conditions": [["OS!='linux'", {"sources!": ["udp_batch.c"], "sources": ["unsupported.c"]}]]
    }
  ]
}
