package io.offload.cli;

import picocli.CommandLine;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;

/**
 * How picocli makes the commands and mixins: by their no-argument constructor. picocli's default
 * factory first looks for Groovy's {@code Closure} class by name, a failed class lookup that cost
 * about a twentieth of the main thread's start-up in every rank JVM of the demo; interfaces and
 * abstract types (none of the commands has one) are still left to it.
 */
final class CommandFactory implements CommandLine.IFactory {

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    if (cls.isInterface() || Modifier.isAbstract(cls.getModifiers())) {
      return CommandLine.defaultFactory().create(cls);
    }
    Constructor<K> constructor = cls.getDeclaredConstructor();
    constructor.setAccessible(true);
    return constructor.newInstance();
  }
}
