# Stand-in for testcontainers/sshd:1.3.0 (testcontainers' host port exposure): root with
# the password in $PASSWORD, TCP forwarding on, so containers reach ports on the host.
# UsePAM=no: the real image is Alpine's sshd, built without PAM; Debian's would run the
# PAM session (pam_motd's run-parts and more) on every login, which the real one does not.
FROM agentup-ci/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server && rm -rf /var/lib/apt/lists/* && mkdir -p /run/sshd
EXPOSE 22
ENTRYPOINT ["sh", "-c", "echo \"root:${PASSWORD:-root}\" | chpasswd && exec /usr/sbin/sshd -D -e -o PermitRootLogin=yes -o AddressFamily=inet -o GatewayPorts=yes -o AllowTcpForwarding=yes -o AllowAgentForwarding=yes -o UsePAM=no"]
