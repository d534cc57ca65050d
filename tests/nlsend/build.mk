# nlsend: raw netlink requests for the VM tests of kernel-side validation.
# In $(O)/tools so the VM image picks it up with the other tools.
NLSEND := $(O)/tools/nlsend
USER_TARGETS += $(NLSEND)

$(NLSEND): $(O)/obj/tests/nlsend/nlsend.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(NL_LIBS)

$(O)/obj/tests/nlsend/%.o: BASE_CFLAGS += $(NL_CFLAGS)
