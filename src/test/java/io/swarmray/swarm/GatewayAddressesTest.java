package io.swarmray.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The containers of docker_gwbridge as the engine lists them (GET /networks/docker_gwbridge, Docker 20.10 and 26). */
class GatewayAddressesTest {

    @Test
    void eachContainerByIdWithItsAddressWithoutPrefix() throws Exception {
        var network = new ObjectMapper().readTree("""
                {"Name": "docker_gwbridge", "Containers": {
                  "89d79c652e46c5959669a86bf337c9ded89c23d676a6d300d4c66eb8c669fcab": {"Name": "gateway_18b4a5fca9da",
                    "EndpointID": "7a40", "MacAddress": "02:42:ac:12:00:35", "IPv4Address": "172.18.0.53/16", "IPv6Address": ""},
                  "ingress-sbox": {"Name": "gateway_ingress-sbox", "IPv4Address": "172.18.0.2/16"},
                  "00845e5c27ea": {"Name": "gateway_8d42e6a9386f", "IPv4Address": ""}}}
                """);
        assertEquals(
                Map.of("89d79c652e46c5959669a86bf337c9ded89c23d676a6d300d4c66eb8c669fcab", "172.18.0.53", "ingress-sbox", "172.18.0.2"),
                TaskListing.containerAddresses(network));
    }

    @Test
    void aNetworkWithoutContainersHasNoAddresses() throws Exception {
        assertEquals(Map.of(), TaskListing.containerAddresses(new ObjectMapper().readTree("{\"Name\": \"docker_gwbridge\"}")));
    }
}
