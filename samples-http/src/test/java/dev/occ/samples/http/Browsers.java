package dev.occ.samples.http;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian, driven by its own ChromeDriver: both paths are given explicitly, so
 * Selenium Manager is never asked to find, let alone download, a browser or a driver.
 */
final class Browsers {

    /** Debian's {@code chromium} package; override with {@code -Docc.chromium=...}. */
    static final String CHROMIUM = System.getProperty("occ.chromium", "/usr/bin/chromium");
    /** Debian's {@code chromium-driver} package; override with {@code -Docc.chromedriver=...}. */
    static final String CHROMEDRIVER = System.getProperty("occ.chromedriver", "/usr/bin/chromedriver");

    private Browsers() {
    }

    /**
     * A new headless Chromium with a new, empty profile.
     *
     * @return the driver
     * @throws IllegalStateException saying how to install Chromium when it is not there
     */
    static ChromeDriver start() {
        for (String path : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(path))) {
                throw new IllegalStateException("The browser test needs Debian's Chromium and ChromeDriver, but "
                        + path + " is missing; install them with: apt-get install -y chromium chromium-driver "
                        + "(or point -Docc.chromium and -Docc.chromedriver at another Chromium and its driver)");
            }
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("occ-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,800", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
