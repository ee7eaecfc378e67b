# The runner layer on top of a Debian root filesystem made with debootstrap and `docker import`
# (see scripts/build-sandbox-image.sh). Nothing is pulled; wheels come from the build context.
FROM chartroom-sandbox-base:bookworm
COPY wheels /wheels
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --no-index --find-links /wheels -r /wheels/requirements.txt \
 && rm -rf /wheels /root/.cache
COPY runner.py /sandbox/runner.py
USER 65534:65534
WORKDIR /tmp
ENTRYPOINT ["/opt/venv/bin/python", "-I", "-B", "/sandbox/runner.py"]
