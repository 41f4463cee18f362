# Memory: physical page allocator (pure) and the hypervisor's own page tables.
HV_SRCS += mm/pmm.c mm/paging.c mm/heap.c
HOST_TESTS += $(HOST_BUILD)/test_pmm

$(HOST_BUILD)/test_pmm: $(HOST_BUILD)/obj/tests/test_pmm.o $(HOST_BUILD)/obj/mm/pmm.o
	$(HOST_CC) -o $@ $^
