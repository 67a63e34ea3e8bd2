package dev.occ.samples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The page in a real browser: two people edit the same resource; the second save is refused in the
 * page with the guide's message and what changed, reload shows the first person's change, and the
 * second save then succeeds. Saves a screenshot of the refused save as {@code target/conflict.png}.
 */
class ConflictPageTest {

    @RegisterExtension
    static final RunningService SERVICE = new RunningService();

    private ChromeDriver alice;
    private ChromeDriver bob;

    @AfterEach
    void quit() {
        for (WebDriver d : new WebDriver[] {alice, bob}) {
            if (d != null) {
                d.quit();
            }
        }
    }

    private static WebDriverWait waiting(WebDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(20));
    }

    private void open(ChromeDriver d, int id) {
        d.get(SERVICE.base() + "/");
        waiting(d).until(ExpectedConditions.elementToBeClickable(By.cssSelector("a.open[data-id='" + id + "']"))).click();
        waiting(d).until(ExpectedConditions.textToBe(By.id("resource-id"), String.valueOf(id)));
    }

    private static void rename(WebDriver d, String name) {
        WebElement field = d.findElement(By.id("name"));
        field.clear();
        field.sendKeys(name);
        d.findElement(By.id("save")).click();
    }

    @Test
    void secondSaveIsRefusedInThePageThenSucceedsAfterReload() throws Exception {
        JsonNode created = RunningService.json(SERVICE.send("POST", "/resources",
                "{\"name\": \"Quarterly report\", \"data\": {\"pages\": 1}}"));
        int id = created.get("id").asInt();
        alice = Browsers.start();
        bob = Browsers.start();
        open(alice, id);
        open(bob, id);

        rename(alice, "Quarterly report (Alice)");
        waiting(alice).until(ExpectedConditions.textToBe(By.id("status"), "Saved: version 2."));

        rename(bob, "Quarterly report (Bob)");
        WebElement conflict = waiting(bob).until(ExpectedConditions.visibilityOfElementLocated(By.id("conflict")));
        assertThrows(NoAlertPresentException.class, () -> bob.switchTo().alert(), "the page must not use alert()");
        assertEquals(Problems.MODIFIED, bob.findElement(By.id("conflict-message")).getText());
        WebElement nameRow = conflict.findElement(By.cssSelector("tr[data-field='name']"));
        assertTrue(nameRow.getText().contains("Quarterly report (Alice)"), nameRow.getText());
        assertEquals("changed", nameRow.findElements(By.tagName("td")).get(2).getAttribute("class"));
        Path shot = Path.of("target", "conflict.png");
        Files.createDirectories(shot.getParent());
        Files.copy(bob.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(shot) > 1000, "screenshot " + shot);
        // the refused save changed nothing
        assertEquals("Quarterly report (Alice)",
                RunningService.json(SERVICE.send("GET", "/resources/" + id, null)).get("name").asString());

        bob.findElement(By.id("reload")).click();
        waiting(bob).until(ExpectedConditions.invisibilityOfElementLocated(By.id("conflict")));
        waiting(bob).until(ExpectedConditions.textToBe(By.id("resource-version"), "2"));
        assertEquals("Quarterly report (Alice)", bob.findElement(By.id("name")).getDomProperty("value"));

        rename(bob, "Quarterly report (Alice, Bob)");
        waiting(bob).until(ExpectedConditions.textToBe(By.id("status"), "Saved: version 3."));
        JsonNode stored = RunningService.json(SERVICE.send("GET", "/resources/" + id, null));
        assertEquals("Quarterly report (Alice, Bob)", stored.get("name").asString());
        assertEquals(3, stored.get("version").asInt());
    }
}
