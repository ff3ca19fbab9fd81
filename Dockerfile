# Builds the tributary binary and runs it on a slim Debian. Used by docker-compose.yml.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/tributary /usr/local/bin/tributary

FROM debian:bookworm-slim
RUN useradd --system --home /var/lib/tributary --create-home tributary
COPY --from=build /usr/local/bin/tributary /usr/local/bin/tributary
USER tributary
ENV TRIBUTARY_DATA_DIR=/var/lib/tributary TRIBUTARY_LISTEN=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["tributary"]
# Demo data only when asked: `docker run ... tributary serve --demo`.
CMD ["serve"]
