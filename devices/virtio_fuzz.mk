# libFuzzer target for the virtio devices and transport (clang, ASan/UBSan): tools/fuzz-virtio.sh.
VIRTIO_FUZZ_SRCS := devices/virtio/virtqueue.c devices/virtio/rng.c devices/virtio/console.c devices/virtio/blk.c \
	devices/virtio/net.c devices/range.c pci/virtio_pci.c pci/config.c pci/header.c pci/bar.c pci/cap.c pci/msi.c \
	pci/msix.c
FUZZ_SCRIPTS += tools/fuzz-virtio.sh
TEST_SCRIPTS += tests/devices/fuzz-virtio-short.sh
$(HOST_BUILD)/fuzz_virtio: tests/devices/fuzz_virtio.c $(VIRTIO_FUZZ_SRCS) $(wildcard devices/virtio/*.h pci/*.h)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -O1 -g -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ \
		tests/devices/fuzz_virtio.c $(VIRTIO_FUZZ_SRCS)
